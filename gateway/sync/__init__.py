"""The sync engine: pull changes from every source into the index, and deliver the index's
changes to the other systems through a transactional outbox."""
