"""Deployment files (nginx site, gunicorn config, systemd units) and the scripts that run them on loopback."""
