/* Captures (pcap, pcapng, Network Monitor .cap) -> HTTP exchanges. */
#ifndef IMPORT_PCAP_H
#define IMPORT_PCAP_H

#include "importer.h"

extern const struct importer import_pcap_importer;

#endif
