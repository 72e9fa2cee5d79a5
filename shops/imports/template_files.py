"""The downloadable import templates: a CSV file and an XLSX workbook with the same columns and example rows.

The CSV is UTF-8 with a BOM (so Excel shows accents right) and commas. The workbook has three sheets: "Produk"
(the rows the import reads), "Kategori" (every category's code and name) and "Petunjuk" (what each column
means, in the seller's language). The example rows use real category codes when there are categories.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ..models import Category
from ..selectors import category_tree
from .parsing import COLUMNS, DATA_SHEET, MAX_ROWS

CATEGORY_SHEET = "Kategori"
INSTRUCTIONS_SHEET = "Petunjuk"
FALLBACK_CATEGORY = "kategori"


def _example_rows(category: str) -> list[list]:
    # Column order: sku, nama_produk, nama_varian, harga, stok, kategori, berat_gram, deskripsi, status
    return [
        ["KRP-250", "Keripik Pisang Manis", "250 g", 15000, 20, category, 250, "Renyah, tanpa pengawet.", "active"],
        ["KRP-500", "Keripik Pisang Manis", "500 g", 27000, 10, "", "", "", ""],
        ["SMB-01", "Sambal Matah", "", 25000, 5, category, 200, "Pedas segar khas Bali.", "draft"],
    ]


def _example_category() -> str:
    leaf = Category.objects.filter(numchild=0).order_by("path").values_list("slug", flat=True).first()
    return leaf or FALLBACK_CATEGORY


def template_csv() -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in COLUMNS])
    writer.writerows(_example_rows(_example_category()))
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    sheet.append([column.header for column in COLUMNS])
    for row in _example_rows(_example_category()):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    # SKUs are text: Excel would turn "00123" into 123 in a general-format column.
    sheet.column_dimensions["A"].number_format = "@"
    for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
        cell.number_format = "@"
    for letter, width in zip("ABCDEFGHI", (14, 30, 16, 12, 8, 22, 12, 40, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"

    categories = workbook.create_sheet(CATEGORY_SHEET)
    categories.append([_("Code (write this in the kategori column)"), _("Category")])
    for category in category_tree():
        categories.append([category.slug, "  " * (category.depth - 1) + category.name])
    for cell in categories[1]:
        cell.font = Font(bold=True)
    categories.column_dimensions["A"].width = 40
    categories.column_dimensions["B"].width = 40

    instructions = workbook.create_sheet(INSTRUCTIONS_SHEET)
    for line in instruction_lines():
        instructions.append([line])
    instructions.append([])
    instructions.append([_("Column"), _("What to write")])
    for column in COLUMNS:
        instructions.append([column.header, str(column.help)])
    instructions.column_dimensions["A"].width = 16
    instructions.column_dimensions["B"].width = 110

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def instruction_lines() -> list[str]:
    return [
        _("How to fill in this file"),
        _("One row per variant. Rows with the same product name become one product with several variants."),
        _("Row 1 holds the column names: do not change them. Fill in your products from row 2."),
        _("A SKU that already exists in your shop updates that variant (price, stock, name) and its product."),
        _("At most %(max)s rows per file. Save as .xlsx or as CSV UTF-8.") % {"max": f"{MAX_ROWS:,}".replace(",", ".")},
        _("After uploading you see every error with its row and a preview; nothing is saved until you confirm."),
    ]
