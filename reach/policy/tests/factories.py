"""Small policy files for tests: a valid document to start from, and a writer."""

import copy
from pathlib import Path

import yaml

NAMES = {"vi": "Chính sách thử", "zh": "测试政策", "en": "Test policy"}
SOURCE = {"document": "Decree 1/2020", "article": "Art. 1"}


def benefit(code: str, **overrides) -> dict:
    """A valid benefit: poor primary pupils get 150,000 a month for 9 months."""
    node = {
        "code": code,
        "names": {"vi": f"Hỗ trợ {code}", "zh": f"补助 {code}", "en": f"Support {code}"},
        "kind": "subsidy",
        "condition": {
            "all": [
                {"field": "level", "op": "eq", "value": "primary"},
                {"field": "household_status", "op": "eq", "value": "poor"},
            ]
        },
        "amount": {"per": "month", "value": 150000, "months": 9},
        "funding": [{"source": "state_budget", "share": 100}],
    }
    node.update(overrides)
    return node


def policy_document(*benefits: dict, **overrides) -> dict:
    """A valid VND policy (in force from 2020-01-01; school year starts 09-05)."""
    document = {
        "code": "test-policy",
        "names": dict(NAMES),
        "jurisdiction": "VN",
        "currency": "VND",
        "source": dict(SOURCE),
        "effective": {"from": "2020-01-01"},
        "school_year_start": "09-05",
        "benefits": list(benefits) or [benefit("learning_cost_support")],
    }
    document.update(overrides)
    return copy.deepcopy(document)


def base_salary_table(**overrides) -> dict:
    table = {
        "code": "base_salary",
        "names": {"vi": "Mức lương cơ sở", "zh": "基本工资标准", "en": "Statutory base salary"},
        "currency": "VND",
        "per": "month",
        "values": [
            {"from": "2023-07-01", "value": 1800000, "source": "Nghị định 24/2023/NĐ-CP"},
            {"from": "2024-07-01", "value": 2340000, "source": "Nghị định 73/2024/NĐ-CP"},
        ],
    }
    table.update(overrides)
    return table


def tuition_fee_table(**overrides) -> dict:
    table = {
        "code": "tuition_fee",
        "names": {"vi": "Mức học phí", "zh": "学费标准", "en": "Tuition fee"},
        "currency": "VND",
        "per": "month",
        "keys": ["level", "unit"],
        "values": [
            {"school_year": 2024, "level": "lower_secondary", "unit": "VN", "value": 100000},
            {"school_year": 2024, "level": "lower_secondary", "unit": "VN.79", "value": 300000},
            {"school_year": 2024, "level": "lower_secondary", "unit": "VN.7", "value": 999000},
            {"school_year": 2025, "level": "lower_secondary", "unit": "VN.79", "value": 350000},
        ],
    }
    table.update(overrides)
    return table


def write_yaml(path: Path, document: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path
