"""The Sumatera Selatan demo dataset: agencies, categories, generated complaints."""

from __future__ import annotations

from gateway.demo.agencies import demo_agencies
from gateway.demo.categories import demo_categories
from gateway.demo.complaints import demo_complaints

__all__ = ["demo_agencies", "demo_categories", "demo_complaints"]
