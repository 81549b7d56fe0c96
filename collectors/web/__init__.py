"""Web server logs: nginx and Apache httpd access logs (common, combined, nginx's ``main``,
vhost_combined) and error logs, to ECS as Elastic's nginx and apache integrations write them."""

from __future__ import annotations

from govsoc.collectors.web.access import ApacheAccessParser, NginxAccessParser
from govsoc.collectors.web.error_log import ApacheErrorParser, NginxErrorParser

__all__ = ["ApacheAccessParser", "ApacheErrorParser", "NginxAccessParser", "NginxErrorParser"]
