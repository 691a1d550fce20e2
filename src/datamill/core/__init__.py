"""The database core: connection, transactions, DDL, type inference, inserts, introspection."""
