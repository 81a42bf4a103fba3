"""Background jobs: anything that takes longer than a request should (certificates, the
anthology, big exports, large imports). See service.py."""
