"""The portal's database layer: a client-side deadline on every wait for PostgreSQL (`deadline`, the
`postgresql` backend) and one way to let a transaction run long statements (`long_statements`)."""
