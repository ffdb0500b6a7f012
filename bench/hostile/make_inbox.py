#!/usr/bin/env python3
"""Writes a study whose inbox holds the sample's returns and, beside them, every hostile case of
the second hostile-input round: damaged and bomb Word files, huge text and XML, a return with
200,000 pilots, identities in file and element names, markup and terminal escapes in names, a
Latin-1 file name. Prints the planted identities, one per line, for the checker.

    make_inbox.py REPO STUDY
"""
import os
import random
import re
import shutil
import struct
import sys
import zipfile
import zlib

repo, study = sys.argv[1], sys.argv[2]
inbox = os.path.join(study, "inbox")
shutil.copytree(os.path.join(repo, "inbox"), inbox)
shutil.copytree(os.path.join(repo, "instruments"), os.path.join(study, "instruments"))
planted = []


def write(name, data):
    path = os.path.join(inbox.encode(), name if isinstance(name, bytes) else name.encode())
    with open(path, "wb") as handle:
        handle.write(data if isinstance(data, bytes) else data.encode())


sample_xml = open(os.path.join(repo, "inbox", "cafcass.xml"), encoding="utf-8").read()
for name in os.listdir(os.path.join(repo, "inbox")):
    if name.endswith(".xml"):
        text = open(os.path.join(repo, "inbox", name), encoding="utf-8").read()
        planted += re.findall(r"<respondent>\s*<name>([^<]+)</name>", text)
        planted += re.findall(r"<email>([^<]+)</email>", text)

# Word files: a directory pointing past the end, 300 bytes cut from the middle, a bomb, a bad CRC.
docx = open(os.path.join(repo, "inbox", "hb-hywel-dda.docx"), "rb").read()
end = docx.rfind(b"PK\x05\x06")
write("damaged-directory.docx", docx[:end + 16] + struct.pack("<I", len(docx) + 1000) + docx[end + 20:])
write("cut-download.docx", docx[:len(docx) // 2] + docx[len(docx) // 2 + 300:])
crc = bytearray(docx)
central = crc.find(b"PK\x01\x02")
crc[central + 16] ^= 0xFF
write("bad-checksum.docx", bytes(crc))
bomb_path = os.path.join(inbox, "bomb.docx")
with zipfile.ZipFile(bomb_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
    package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    body = b"<w:p/>" * (63 * 1024 * 1024 // 6)
    package.writestr("word/document.xml", b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + body + b"</w:body></w:document>")

# Large text and XML: headings, list items, empty elements; a text of one-letter lines.
write("headings.md", "# h\n" * (62 * 1024 * 1024 // 4))
write("list-items.md", "1. x\n" * (62 * 1024 * 1024 // 5))
write("elements.xml", '<?xml version="1.0"?><return xmlns="urn:x-datamap:return:1" version="1">' + "<a/>" * (62 * 1024 * 1024 // 4) + "</return>")
write("one-letter-lines.txt", "Organisation: Conwy County Borough Council\nDate: 2018-05-01\n\n" + "a\n" * (1024 * 1024))
activities = re.search(r"<activities>(.*)</activities>", sample_xml, re.S).group(1)
many = "".join(f'<activity theme="pilot-projects" kind="pilot" status="current"><name>Pilot {i}</name></activity>\n' for i in range(200_000))
write("two-hundred-thousand-pilots.xml", sample_xml.replace(activities, many))

# Identities in names: a refused file's name, an element's name, a respondent inside a body's name.
write("letter from Monty Python 07700 900123 monty.p@example.org.txt", "no organisation here\n")
planted += ["Monty", "07700 900123", "monty.p@example.org"]
write("foreign-element.xml", sample_xml.replace("<answers>", "<answers><ClementineWrigglesworth/>"))
planted += ["Clementine", "Wrigglesworth"]
named_body = (sample_xml.replace("cafcass-cymru", "private-provider")
              .replace("<name>CAFCASS Cymru</name>", "<name>Cornelius Birtwhistle Consulting</name>")
              .replace("Huw Edwards-Lewis", "Cornelius Birtwhistle").replace("2018-02-15", "2018-02-16"))
write("named-body.xml", named_body)
planted += ["Cornelius", "Birtwhistle"]

# Markup and terminal escapes in names that are printed and published.
markup = (sample_xml.replace("cafcass-cymru", "private-provider")
          .replace("<name>CAFCASS Cymru</name>", "<name>&lt;script&gt;alert(1)&lt;/script&gt; ![p](http://127.0.0.1:9/x) [x](javascript:alert(1)) Care Ltd</name>")
          .replace("Huw Edwards-Lewis", "Bryn Oakley").replace("2018-02-15", "2018-02-17"))
write("markup-name.xml", markup)
write("escape-name.txt", "Organisation: \x1b]0;pwned\x07Evil\x1b[2J Ltd\nDate: 2018-05-01\n\nWe run a pilot.\n")
write(b"esc\x1b[2Jname.txt", "Organisation: Conwy County Borough Council\nDate: 2018-05-02\n\nWe run the Bridge Project.\n")
write(b"new\nline.txt", "Organisation: Conwy County Borough Council\nDate: 2018-05-03\n\nWe run the Harbour Project.\n")

# A valid return whose file name is Latin-1, as an older Windows tool saves it.
conwy = open(os.path.join(repo, "inbox", "la-conwy.xml"), encoding="utf-8").read()
write(b"Caf\xe9 conwy.xml", conwy.replace("2018-", "2019-", 1))

for value in planted:
    print(value)
