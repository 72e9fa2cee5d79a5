"""Reading and checking import files: formats, columns, row numbers, limits, and every row rule with its message."""

import csv
import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from shops.imports import parsing
from shops.imports.parsing import MAX_ROWS, ImportFileError, detect_format, parse
from shops.imports.template_files import template_csv, template_xlsx
from shops.imports.validation import MAX_STORED_ERRORS, validate, whole_number
from shops.models import Product
from shops.models.product import MAX_PRICE
from tests.factories.shops import CategoryFactory, ProductFactory, ProductVariantFactory, ShopFactory

HEADER = ["sku", "nama_produk", "nama_varian", "harga", "stok", "kategori", "berat_gram", "deskripsi", "status"]


def indonesian(msgid: str, **params) -> str:
    with translation.override("id"):
        text = translation.gettext(msgid)
    return text % params if params else text


def csv_bytes(rows, *, header=HEADER, delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(rows, *, header=HEADER, title="Produk") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(sku="KP-1", title="Keripik Pisang", variant="250 g", price=15000, stock=10, category="camilan", weight=250):
    return [sku, title, variant, price, stock, category, weight, "", ""]


def codes(error: pytest.ExceptionInfo) -> list[str]:
    return [item["code"] for item in error.value.errors]


# --- Formats ------------------------------------------------------------------------------------------------


def test_csv_with_and_without_bom_and_with_semicolons_reads_the_same_rows():
    rows = [row(), row(sku="KP-2", variant="500 g", price="27.000")]
    expected = parse(csv_bytes(rows)).rows

    assert parse(csv_bytes(rows, bom=True)).rows == expected
    assert parse(csv_bytes(rows, delimiter=";")).rows == expected
    assert expected[0] == (
        2,
        {
            "sku": "KP-1",
            "title": "Keripik Pisang",
            "variant_name": "250 g",
            "price": "15000",
            "stock": "10",
            "category": "camilan",
            "weight_grams": "250",
            "description": None,
            "status": None,
        },
    )


def test_xlsx_rows_keep_spreadsheet_numbers_and_read_the_produk_sheet():
    content = xlsx_bytes([row(price=15000.0), [None] * 9, row(sku="KP-2")])

    parsed = parse(content)

    assert parsed.format == "xlsx"
    assert [number for number, _values in parsed.rows] == [2, 4]  # the blank row 3 is skipped, not renumbered
    assert parsed.rows[0][1]["price"] == 15000


def test_downloadable_templates_parse_with_their_example_rows(db):
    for content in (template_csv(), template_xlsx()):
        parsed = parse(content)
        assert [values["sku"] for _row, values in parsed.rows] == ["KRP-250", "KRP-500", "SMB-01"]
    assert template_csv().startswith(b"\xef\xbb\xbfsku,nama_produk,")


def test_a_quoted_description_over_several_lines_is_one_row():
    content = csv_bytes([["KP-1", "Keripik", "", 1000, 1, "c", 100, "Baris satu\nBaris dua", ""], row(sku="KP-2")])

    parsed = parse(content)

    assert [number for number, _values in parsed.rows] == [2, 3]
    assert parsed.rows[0][1]["description"] == "Baris satu\nBaris dua"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
        (b"PK\x03\x04not really a zip", "not_a_table"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_a_table"),
        ("sku,nama_produk,harga,stok\nKP-1,Kopi Énak,1000,1\n".encode("latin-1"), "encoding"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused_by_their_content(content, code):
    with pytest.raises(ImportFileError) as error:
        detect_format(content)

    assert codes(error) == [code]


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")

    with pytest.raises(ImportFileError) as error:
        parse(buffer.getvalue())

    assert codes(error) == ["not_a_table"]


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_opened(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_XLSX_UNCOMPRESSED_BYTES", 1000)

    with pytest.raises(ImportFileError) as error:
        parse(xlsx_bytes([row()]))

    assert codes(error) == ["too_large"]


# --- Columns ------------------------------------------------------------------------------------------------


def test_english_aliases_and_decorated_headers_are_accepted():
    header = ["SKU", "Title", "Variant name", "Harga (Rp) *", "stock", "Category", "Weight grams"]

    parsed = parse(csv_bytes([["A-1", "Kopi", "", "1000", "2", "kopi", "200"]], header=header))

    assert parsed.headers == {
        "sku": "SKU",
        "title": "Title",
        "variant_name": "Variant name",
        "price": "Harga (Rp) *",
        "stock": "stock",
        "category": "Category",
        "weight_grams": "Weight grams",
    }
    assert parsed.rows[0][1]["price"] == "1000"


def test_unknown_repeated_and_missing_columns_are_all_listed_on_row_1():
    with pytest.raises(ImportFileError) as error:
        parse(csv_bytes([["A", "B", "C"]], header=["sku", "warna", "sku"]))

    assert [(item["row"], item["column"], item["code"]) for item in error.value.errors] == [
        (1, "warna", "unknown_column"),
        (1, "sku", "repeated_column"),
        (1, "nama_produk", "missing_column"),
        (1, "harga", "missing_column"),
        (1, "stok", "missing_column"),
    ]


def test_a_header_only_file_has_no_rows():
    with pytest.raises(ImportFileError) as error:
        parse(csv_bytes([]))

    assert codes(error) == ["no_rows"]


def test_at_most_max_rows_rows():
    assert MAX_ROWS == 10_000
    rows = [row(sku=f"S-{number}") for number in range(MAX_ROWS)]

    assert len(parse(csv_bytes(rows)).rows) == MAX_ROWS
    with pytest.raises(ImportFileError) as error:
        parse(csv_bytes([*rows, row(sku="one-too-many")]))
    assert codes(error) == ["too_many_rows"]


@pytest.mark.parametrize(
    ("written", "number"),
    [
        (15000, 15000),
        (15000.0, 15000),
        ("15000", 15000),
        ("15.000", 15000),
        ("15,000", 15000),
        ("Rp 15.000", 15000),
        ("Rp15.000", 15000),
        ("1.250.000", 1250000),
        ("15000,00", 15000),
        ("-3", -3),
    ],
)
def test_whole_numbers_as_sellers_write_them(written, number):
    assert whole_number(written) == number


@pytest.mark.parametrize("written", ["15.5", "15,50", "lima ribu", 15.5, True, "1.5000"])
def test_anything_else_is_left_for_the_rules_to_refuse(written):
    assert whole_number(written) == written


# --- Row rules ----------------------------------------------------------------------------------------------


@pytest.fixture
def shop(db):
    CategoryFactory(slug="camilan", name="Camilan")
    return ShopFactory()


def check(shop, rows, **kwargs):
    with translation.override("id"):
        return validate(shop=shop, parsed=parse(csv_bytes(rows, **kwargs)))


def errors_of(result) -> list[tuple]:
    return [(error["row"], error["column"], error["code"]) for error in result.errors]


def test_good_rows_become_one_product_per_name_with_its_variants(shop):
    result = check(
        shop,
        [
            row(sku="KP-1", variant="250 g"),
            row(sku="SM-1", title="Sambal Matah", variant="", price="Rp 25.000", weight=200),
            row(sku="KP-2", title="  keripik   PISANG ", variant="500 g", price=27000, category="", weight=""),
        ],
    )

    assert result.errors == []
    assert result.valid_rows == 3
    assert [(product.title, [plan.sku for plan in product.rows]) for product in result.products] == [
        ("Keripik Pisang", ["KP-1", "KP-2"]),
        ("Sambal Matah", ["SM-1"]),
    ]
    assert result.products[1].rows[0].price == 25000
    assert result.summary() == {"new_products": 2, "updated_products": 0, "new_variants": 3, "updated_variants": 0}


def test_each_rule_of_the_product_services_reports_row_column_and_the_same_message(shop):
    long_title = "K" * 121
    result = check(
        shop,
        [
            row(sku="A-1", price=0),
            row(sku="A-2", title="Produk B", price=MAX_PRICE + 1),
            row(sku="A-3", title="Produk C", price="15.5"),
            row(sku="A-4", title="Produk D", stock=-1),
            row(sku="bad sku!", title="Produk E"),
            row(sku="", title="Produk F"),
            row(sku="A-7", title=""),
            row(sku="A-8", title=long_title),
            row(sku="A-9", title="Produk G", weight=0),
        ],
    )

    by_row = {error["row"]: error for error in result.errors}
    assert errors_of(result) == [
        (2, "harga", "min_value"),
        (3, "harga", "max_value"),
        (4, "harga", "invalid"),
        (5, "stok", "min_value"),
        (6, "sku", "invalid_sku"),
        (7, "sku", "required"),
        (8, "nama_produk", "required"),
        (9, "nama_produk", "max_length"),
        (10, "berat_gram", "min_value"),
    ]
    assert by_row[2]["message"] == indonesian("The price is at least Rp 1.")
    assert by_row[3]["message"] == indonesian("The price is at most Rp %(max)s.", max="100.000.000")
    assert by_row[4]["message"] == indonesian("Enter the price as a whole number of rupiah.")
    assert by_row[5]["message"] == indonesian("Stock cannot be negative.")
    assert by_row[7]["message"] == indonesian("Enter the SKU.")
    assert by_row[8]["message"] == indonesian("Enter the product title.")
    assert by_row[9]["message"] == indonesian("The title is at most %(max)d characters.", max=120)
    assert result.valid_rows == 0
    assert result.products == [product for product in result.products if not product.ok]  # every product has an error


def test_a_sku_twice_in_the_file_is_an_error_on_the_second_row(shop):
    result = check(shop, [row(sku="KP-1"), row(sku="KP-1", variant="500 g")])

    assert errors_of(result) == [(2, "nama_produk", "product_has_errors"), (3, "sku", "duplicate_in_file")]
    assert result.errors[1]["message"] == indonesian("This SKU is already used in row %(row)s of the file.", row=2)


def test_a_product_with_one_bad_row_is_not_imported_at_all(shop):
    result = check(
        shop, [row(sku="KP-1"), row(sku="KP-2", variant="500 g", stock="banyak"), row(sku="SM", title="Sambal")]
    )

    assert errors_of(result) == [(2, "nama_produk", "product_has_errors"), (3, "stok", "invalid")]
    assert result.valid_rows == 1
    assert [product.title for product in result.importable] == ["Sambal"]


def test_product_columns_must_agree_across_its_rows_and_new_products_need_category_and_weight(shop):
    result = check(
        shop,
        [
            row(sku="KP-1", weight=250),
            row(sku="KP-2", weight=300),
            row(sku="X-1", title="Tanpa Kategori", category="", weight=""),
            row(sku="Y-1", title="Kategori Asing", category="tidak-ada"),
        ],
        header=HEADER,
    )

    assert errors_of(result) == [
        (2, "nama_produk", "product_has_errors"),
        (3, "berat_gram", "inconsistent"),
        (4, "kategori", "required"),
        (4, "berat_gram", "invalid"),
        (5, "kategori", "unknown_category"),
    ]
    assert result.errors[2]["message"] == indonesian("Choose a category.")


def test_category_by_name_status_words_and_description_cleaned(shop):
    rows = [["KP-1", "Keripik", "", 1000, 1, "camilan", 100, "<b>Renyah</b><script>alert(1)</script>", "aktif"]]
    rows.append(["KP-2", "Kopi", "", 1000, 1, "CAMILAN", 100, "", "draf"])
    rows.append(["KP-3", "Teh", "", 1000, 1, "Camilan", 100, "", "dijual"])

    result = check(shop, rows)

    assert errors_of(result) == [(4, "status", "invalid_status")]
    keripik, kopi = result.importable
    assert (keripik.status, kopi.status) == ("active", "draft")
    assert keripik.description == "<p><b>Renyah</b></p>"


def test_existing_skus_update_and_new_skus_add_variants_to_the_same_product(shop):
    product = ProductFactory(shop=shop, title="Keripik Pisang", variant__sku="KP-1")
    ProductFactory(shop=ShopFactory(), variant__sku="KP-2")  # another shop's SKU is nobody's business here

    result = check(shop, [row(sku="KP-1", category="", weight=""), row(sku="KP-2", variant="500 g", category="")])

    assert result.errors == []
    (plan,) = result.products
    assert plan.product_id == product.pk
    assert [(item.sku, item.action) for item in plan.rows] == [("KP-1", "update"), ("KP-2", "create")]
    assert result.summary() == {"new_products": 0, "updated_products": 1, "new_variants": 1, "updated_variants": 1}


def test_skus_of_two_existing_products_under_one_name_or_one_product_under_two_names_are_errors(shop):
    kopi = ProductFactory(shop=shop, title="Kopi", variant__sku="K-1")
    ProductVariantFactory(product=kopi, sku="K-2")
    ProductFactory(shop=shop, title="Teh", variant__sku="T-1")

    result = check(
        shop, [row(sku="K-1", title="Kopi"), row(sku="T-1", title="Kopi"), row(sku="K-2", title="Kopi Bali")]
    )

    assert errors_of(result) == [
        (2, "nama_produk", "product_has_errors"),
        (3, "sku", "sku_of_other_product"),
        (4, "nama_produk", "product_under_two_names"),
    ]
    assert result.errors[1]["message"] == indonesian(
        "This SKU belongs to another product (%(title)s). Give it that product's name.", title="Teh"
    )
    assert result.valid_rows == 0


def test_publishing_an_existing_product_without_an_active_variant_is_an_error(shop):
    product = ProductFactory(shop=shop, title="Kopi", status="draft", moderation="none", variant__sku="K-1")
    product.variants.update(is_active=False)

    result = check(shop, [["K-1", "Kopi", "", 1000, 1, "", "", "", "active"]])

    assert errors_of(result) == [(2, "status", "no_variant")]
    assert result.errors[0]["message"] == indonesian("Add at least one active variant before publishing.")


def test_every_error_is_counted_and_the_stored_list_is_capped(shop):
    from shops.imports.validation import stored_errors

    result = check(
        shop, [row(sku=f"S-{number}", title=f"P{number}", price=0) for number in range(MAX_STORED_ERRORS + 5)]
    )

    assert len(result.errors) == MAX_STORED_ERRORS + 5
    assert len(stored_errors(result.errors)) == MAX_STORED_ERRORS


def test_the_public_check_gives_the_same_errors_as_product_create(shop):
    from django.core.exceptions import ValidationError

    from shops.services import product_create
    from shops.services.products import catalogue_values_check

    bad = {"title": " ", "category": None, "weight_grams": 0, "price": 0, "stock": -1, "sku": "x y"}
    with pytest.raises(ValidationError) as error:
        product_create(shop=shop, actor=shop.members.get().user, **bad)

    _cleaned, errors = catalogue_values_check(bad)

    def as_codes(error_dict):
        return {field: [item.code for item in items] for field, items in error_dict.items()}

    assert as_codes(errors) == as_codes(error.value.error_dict)
    assert Product.objects.count() == 0
