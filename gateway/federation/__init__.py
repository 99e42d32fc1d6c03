"""Federation: reading complaints live from the systems that own them, fanning lists out to
a partition's sources, and writing to the system of record (see architecture.md, Reads and
Writes). The index answers whenever a source cannot."""
