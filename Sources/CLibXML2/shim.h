// The whole libxml2 surface datamap uses, in one header.
// Only the Swift module `LibXML` imports this; it owns and frees every pointer.
#ifndef DATAMAP_CLIBXML2_SHIM_H
#define DATAMAP_CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU, and its encoding.h then includes the system's ICU headers,
// which clash with the copy of ICU inside Foundation. datamap never touches libxml2's ICU
// converters (they are the trailing fields of xmlCharEncodingHandler, used only through
// pointers), so the ICU parts are hidden from Swift.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlIO.h>

// Refuse every external resource: no file:, http: or ftp: loads, whatever a document asks for.
// libxml2 calls this for DTDs, entities and schema imports; returning NULL makes the load fail.
static inline xmlParserInputPtr datamap_refuse_external_entity(const char *URL, const char *ID,
                                                               xmlParserCtxtPtr ctxt) {
    (void)URL; (void)ID; (void)ctxt;
    return NULL;
}

static inline void datamap_install_entity_refuser(void) {
    xmlSetExternalEntityLoader(datamap_refuse_external_entity);
}

// xmlFree is a global function pointer; calling it through a function keeps Swift's
// concurrency checker from treating it as shared mutable state.
static inline void datamap_xml_free(void *pointer) {
    xmlFree(pointer);
}

#endif
