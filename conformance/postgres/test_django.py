"""A Django 5 app on both targets, through Django's own PostgreSQL backend (psycopg 3): its
migrations (contrib.auth's ALTER COLUMN TYPE, LIKE indexes with *_pattern_ops, bulk inserts
through unnest of several arrays) and the ORM calls an app makes, with the same answers."""
from __future__ import annotations

import decimal
import io
from urllib.parse import urlparse

import pytest

from .conftest import _dotdo_data, _real_dsn

django = pytest.importorskip("django")


def _databases() -> dict:
    import dotdo_postgres
    real = urlparse(_real_dsn())
    ep = dotdo_postgres.endpoint(_dotdo_data())
    return {
        "default": {},
        "real": {"ENGINE": "django.db.backends.postgresql", "NAME": real.path.lstrip("/"), "USER": real.username or "postgres",
                 "HOST": real.hostname or "", "PORT": str(real.port or ""), "OPTIONS": {"sslmode": "disable"}},
        "dotdo": {"ENGINE": "django.db.backends.postgresql", "NAME": "conformance", "USER": "postgres",
                  "HOST": ep.host, "PORT": str(ep.port)},
    }


@pytest.fixture
def db(conn, target):
    """The target's database, clean (the `conn` fixture dropped every table) and migrated."""
    from django.conf import settings
    if not settings.configured:
        settings.configure(INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth",
                                           "conformance.postgres.django_shop"],
                           DATABASES=_databases(), USE_TZ=True, DEFAULT_AUTO_FIELD="django.db.models.BigAutoField")
        django.setup()
    from django.core.management import call_command
    from django.db import connections
    connections[target].close()
    call_command("migrate", database=target, stdout=io.StringIO())
    return target


def test_migrations_create_the_schema(db):
    from django.db import connections
    with connections[db].cursor() as cur:
        tables = sorted(connections[db].introspection.table_names(cur))
        constraints = connections[db].introspection.get_constraints(cur, "shop_product")
    assert tables == ["auth_group", "auth_group_permissions", "auth_permission", "auth_user", "auth_user_groups",
                      "auth_user_user_permissions", "django_content_type", "django_migrations", "shop_category",
                      "shop_product"]
    assert sorted((k, v["columns"], v["unique"], v["check"], v["index"], v["foreign_key"])
                  for k, v in constraints.items() if not k.endswith("_pkey")) == [
        ("shop_produc_categor_d4b9f0_idx", ["category_id", "price"], False, False, True, None),
        ("shop_product_category_id_14d7eea8", ["category_id"], False, False, True, None),
        ("shop_product_category_id_14d7eea8_fk_shop_category_id", ["category_id"], False, False, False, ("shop_category", "id")),
        ("shop_product_name_b8d5e94c", ["name"], False, False, True, None),
        ("shop_product_name_b8d5e94c_like", ["name"], False, False, True, None),
        ("stock_nonneg", ["stock"], False, True, False, None)]


def test_orm_calls_answer_as_on_postgresql(db):
    from django.db import IntegrityError, transaction
    from django.db.models import Avg, Count, F, OuterRef, Subquery, Sum
    from django.contrib.auth.models import Group, User

    from .django_shop.models import Category, Product
    cats, products = Category.objects.using(db), Product.objects.using(db)
    tools = cats.create(name="tools")
    cats.create(name="toys")
    products.bulk_create([Product(category=tools, name=f"p{i}", price=decimal.Decimal(i) + decimal.Decimal("0.5"),
                                  stock=i, data={"i": i, "tags": ["a"] if i % 2 else []}) for i in range(5)])
    out = [
        list(products.filter(price__gt=2, name__startswith="p").order_by("-price").values_list("name", flat=True)),
        list(products.filter(data__i__gte=3).order_by("name").values_list("name", flat=True)),
        list(products.filter(data__contains={"tags": ["a"]}).order_by("name").values_list("name", flat=True)),
        products.aggregate(n=Count("id"), s=Sum("price"), a=Avg("stock")),
        list(cats.annotate(n=Count("products")).order_by("name").values_list("name", "n")),
        products.filter(stock__lt=2).update(stock=F("stock") + 10),
        list(cats.annotate(top=Subquery(products.filter(category=OuterRef("pk")).order_by("-price").values("name")[:1]))
             .order_by("name").values_list("name", "top")),
        [p.name for p in products.order_by("id").iterator(chunk_size=2)],
    ]
    with pytest.raises(IntegrityError):
        with transaction.atomic(using=db):
            products.filter(name="p0").update(stock=-1)
    try:
        with transaction.atomic(using=db):
            cats.create(name="temp")
            with transaction.atomic(using=db):
                cats.create(name="tools")
    except IntegrityError:
        out.append(cats.count())
    user = User.objects.db_manager(db).create_user("bob", password="pw")
    Group.objects.using(db).create(name="g").user_set.add(user)
    out += [user.check_password("pw"), User.objects.using(db).filter(groups__name="g").count(),
            cats.filter(name="tools").delete()[0], products.exists()]
    assert out == [
        ["p4", "p3", "p2"], ["p3", "p4"], ["p1", "p3"],
        {"n": 5, "s": decimal.Decimal("12.50"), "a": decimal.Decimal("2.0000000000000000")},
        [("tools", 5), ("toys", 0)], 2, [("tools", "p4"), ("toys", None)], ["p0", "p1", "p2", "p3", "p4"],
        2, True, 1, 6, False]
