"""Django's PostgreSQL backend, with a health check that a frozen server cannot hold."""
