"""Ship the first credit policy, the two feature-analysis models of DOMAIN §5.2 and the order-number sequence."""

from django.db import migrations

DEFAULT_MODEL = [
    ("customer_characteristics", "Customer characteristics", [
        ("products_and_markets", "Products and markets", 5),
        ("impression", "Impression", 3),
        ("operating_conditions", "Operating conditions", 6),
        ("organisation_and_management", "Organisation and management", 5),
        ("market_competitiveness", "Market competitiveness", 6),
        ("development_prospects", "Development prospects", 5),
    ]),
    ("customer_priority", "Customer priority", [
        ("transaction_profit_rate", "Transaction profit rate", 6),
        ("guarantee_conditions", "Guarantee conditions", 7),
        ("substitutability", "Substitutability", 4),
        ("product_requirements", "Product requirements", 4),
        ("market_attractiveness_influence", "Influence on market attractiveness", 4),
        ("market_competition_influence", "Influence on market competition", 4),
    ]),
    ("credit_and_financial", "Credit and financial", [
        ("payment_record", "Payment record", 10),
        ("profitability", "Profitability", 7),
        ("total_capital", "Total capital", 7),
        ("bank_credit", "Bank credit", 8),
        ("balance_sheet", "Balance sheet evaluation", 7),
        ("solvency", "Solvency", 9),
    ]),
]
VALVE_MODEL = [
    ("project_reliability", "Project reliability", 9),
    ("project_funding", "Project funding", 10),
    ("project_lead", "Project lead", 6),
    ("bad_credit_records", "Bad credit records", 9),
    ("ability_to_satisfy", "Our ability to satisfy", 6),
    ("production_cycle_vs_delivery", "Production cycle vs delivery date", 5),
    ("contract_price_and_profit", "Contract price and profit", 7),
    ("future_stability", "Future stability", 6),
]


def ship(apps, schema_editor):
    Policy = apps.get_model("credit", "CreditPolicyVersion")
    if not Policy.objects.exists():
        Policy.objects.create(note="DOMAIN defaults")
    ScoringModel = apps.get_model("credit", "ScoringModel")
    Indicator = apps.get_model("credit", "Indicator")
    default, made = ScoringModel.objects.get_or_create(
        key="feature-default", version=1, defaults={"name": "Feature analysis (three groups)", "is_default": True}
    )
    if made:
        rows = [(key, group, label, weight) for group, _, items in DEFAULT_MODEL for key, label, weight in items]
        Indicator.objects.bulk_create(
            Indicator(model=default, key=k, group=g, label=lbl, weight=w, position=i)
            for i, (k, g, lbl, w) in enumerate(rows)
        )
    valve, made = ScoringModel.objects.get_or_create(
        key="valve-case", version=1, defaults={"name": "Valve company case (eight aspects)"}
    )
    if made:
        Indicator.objects.bulk_create(
            Indicator(model=valve, key=k, group="valve_case", label=lbl, weight=w, position=i)
            for i, (k, lbl, w) in enumerate(VALVE_MODEL)
        )
    apps.get_model("crm", "NumberSequence").objects.get_or_create(name="order")


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial"), ("crm", "0002_roles_and_sequences")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
