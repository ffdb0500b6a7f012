#!/usr/bin/env python3
"""The reference pipeline datamap is compared with: what a careful analyst would script with the
usual libraries. Parse every XML return with lxml, read text returns, scrub every free text with
scrubadub (British locale), and write one CSV row per activity."""
import csv, glob, os, sys, warnings
warnings.filterwarnings("ignore")
from lxml import etree
import scrubadub

inbox, output = sys.argv[1], sys.argv[2]
scrubber = scrubadub.Scrubber(locale="en_GB")
NS = "{urn:x-datamap:return:1}"
with open(output, "w", newline="", encoding="utf-8") as handle:
    writer = csv.writer(handle)
    writer.writerow(["file", "organisation", "name", "kind", "description", "outcomes"])
    for path in sorted(glob.glob(os.path.join(inbox, "*"))):
        name = os.path.basename(path)
        if path.endswith(".xml"):
            root = etree.parse(path, etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
            organisation = root.findtext(f"{NS}organisation/{NS}name") or ""
            for activity in root.iter(f"{NS}activity"):
                writer.writerow([name, organisation, scrubber.clean(activity.findtext(f"{NS}name") or ""), activity.get("kind"),
                                 scrubber.clean(activity.findtext(f"{NS}description") or ""),
                                 scrubber.clean(activity.findtext(f"{NS}outcomes") or "")])
        else:
            text = open(path, encoding="utf-8", errors="replace").read()
            writer.writerow([name, "", "", "letter", scrubber.clean(text), ""])
