"""Reading an uploaded import file into rows: which files are accepted, the columns, and the limits.

Decisions:

- **Formats are judged by content, never by name or content type**: an XLSX file is a ZIP holding
  `xl/workbook.xml` (read with openpyxl in read-only mode; defusedxml is installed, so openpyxl parses the XML
  safely); anything else must be UTF-8 text (with or without the BOM Excel writes) without NUL bytes, read as
  CSV. The CSV delimiter is a comma, or a semicolon as Excel writes it with Indonesian regional settings (the
  header line decides). Old `.xls` files, other encodings and ZIPs that are not workbooks are refused with a
  message saying what to do.
- **Limits**: `MAX_FILE_BYTES` (5 MB) at upload, `MAX_XLSX_UNCOMPRESSED_BYTES` for the workbook's content (a
  ZIP bomb is refused before openpyxl opens it), `MAX_ROWS` (10,000) data rows. Blank rows are skipped.
- **Columns**: one row per variant. The header row (row 1) names the columns; each has an Indonesian name (what
  the template writes) and English aliases, matched without case, spaces, `*` or a note in brackets, so
  `Harga (Rp) *` is `harga`. `sku`, `nama_produk`, `harga` and `stok` must be present; an unknown or repeated
  column is an error (nothing is dropped silently).
- **Row numbers** are what the seller sees in the spreadsheet: the header is row 1, the first data row 2; a CSV
  record whose quoted text spans several lines is still one row.
- Values are kept as read (text stripped, empty text as None, numbers from XLSX as numbers); their meaning is
  decided by `shops.imports.validation`.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 10_000
HEADER_ROW = 1
DATA_SHEET = "Produk"
# What openpyxl (and defusedxml, whose refusals are ValueErrors) raise for a damaged or hostile workbook.
BROKEN_WORKBOOK_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    ParseError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    OSError,
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as the template writes it
    aliases: tuple[str, ...]
    required: bool
    help: Any  # lazy translated text for the instructions


COLUMNS = (
    Column(
        "sku",
        "sku",
        ("kode_sku", "kode"),
        True,
        _(
            "Required. Your own code for the variant: letters, digits, dots, dashes and underscores. "
            "A SKU that already exists in your shop updates that variant; a new SKU adds one."
        ),
    ),
    Column(
        "title",
        "nama_produk",
        ("title", "judul", "nama", "product", "produk"),
        True,
        _("Required. Rows with the same product name become one product with several variants."),
    ),
    Column(
        "variant_name",
        "nama_varian",
        ("variant_name", "varian", "variant"),
        False,
        _('Optional. For example "250 g" or "Merah, XL". Leave it empty for a product without variants.'),
    ),
    Column("price", "harga", ("price",), True, _("Required. Whole rupiah without decimals, e.g. 15000.")),
    Column("stock", "stok", ("stock",), True, _("Required. A whole number, 0 or more.")),
    Column(
        "category",
        "kategori",
        ("category",),
        False,
        _("Required for a new product: the category code from the Categories sheet (or the category's name)."),
    ),
    Column(
        "weight_grams",
        "berat_gram",
        ("weight_grams", "berat", "weight"),
        False,
        _("Required for a new product: the shipping weight in grams."),
    ),
    Column("description", "deskripsi", ("description",), False, _("Optional. The product description.")),
    Column(
        "status",
        "status",
        (),
        False,
        _(
            'Optional. "active" publishes the product, "draft" (or empty) keeps a new product as a draft. '
            "An import never takes a published product off the shop."
        ),
    ),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
PRODUCT_COLUMNS = ("category", "weight_grams", "description", "status")  # read from a product's rows together
_HEADER_LOOKUP = {name: column.key for column in COLUMNS for name in (column.key, column.header, *column.aliases)}


class ImportFileError(Exception):
    """The file cannot be read as an import at all: `errors` are {row, column, code, message} (row 1 or 0)."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(str(error["message"]) for error in errors))


def file_error(code: str, message, *, row: int = 0, column: str = "") -> dict:
    return {"row": row, "column": column, "code": code, "message": message}


@dataclass
class ParsedFile:
    format: str
    headers: dict[str, str]  # column key → the header as the file writes it
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (row number, column key → value)


# --- Format -----------------------------------------------------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and other old Office files

NOT_A_TABLE = _("Upload a CSV or XLSX file (for example the template from this page).")


def detect_format(content: bytes) -> str:
    """ "csv" or "xlsx" from the file's bytes; ImportFileError for anything else (nothing is guessed from names)."""
    if not content.strip():
        raise ImportFileError([file_error("empty_file", _("The file is empty."))])
    if content.startswith(OLE2_MAGIC):
        raise ImportFileError(
            [
                file_error(
                    "xls", _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV and upload it.")
                )
            ]
        )
    if content.startswith(XLSX_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            raise ImportFileError([file_error("not_a_table", NOT_A_TABLE)]) from None
        if "xl/workbook.xml" not in names:
            raise ImportFileError([file_error("not_a_table", NOT_A_TABLE)])
        return "xlsx"
    if b"\x00" in content:
        raise ImportFileError([file_error("not_a_table", NOT_A_TABLE)])
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportFileError(
            [
                file_error(
                    "encoding",
                    _('The CSV file is not UTF-8 text. In Excel choose "Save as" → "CSV UTF-8", then upload it again.'),
                )
            ]
        ) from None
    return "csv"


# --- Reading ----------------------------------------------------------------------------------------------


def parse(content: bytes) -> ParsedFile:
    """The rows of an import file (format detected from `content`). ImportFileError when the file as a whole
    cannot be imported: not CSV/XLSX, no header or missing columns, unknown or repeated columns, no data rows,
    more than `MAX_ROWS` rows."""
    file_format = detect_format(content)
    table = _read_xlsx(content) if file_format == "xlsx" else _read_csv(content)
    header = next(table, None)
    if header is None:
        raise ImportFileError([file_error("empty_file", _("The file is empty."))])
    keys, headers = _read_header(header)
    parsed = ParsedFile(format=file_format, headers=headers)
    for row_number, cells in enumerate(table, start=HEADER_ROW + 1):
        values = {}
        for position, value in enumerate(cells):
            value = _clean(value)
            if position < len(keys) and keys[position]:
                values[keys[position]] = value
            elif value is not None:
                raise ImportFileError(
                    [
                        file_error(
                            "value_without_header",
                            _("Row %(row)s has a value in a column without a name in row 1.") % {"row": row_number},
                            row=row_number,
                        )
                    ]
                )
        if all(value is None for value in values.values()):
            continue
        if len(parsed.rows) == MAX_ROWS:
            raise ImportFileError(
                [
                    file_error(
                        "too_many_rows",
                        _("The file has more than %(max)s rows. Split it into files of at most %(max)s rows.")
                        % {"max": f"{MAX_ROWS:,}".replace(",", ".")},
                    )
                ]
            )
        parsed.rows.append((row_number, values))
    if not parsed.rows:
        raise ImportFileError([file_error("no_rows", _("The file has no product rows below the header."))])
    return parsed


def normalise_header(text: Any) -> str:
    text = re.sub(r"\(.*?\)", "", str(text or ""))
    return re.sub(r"[\s\-]+", "_", text.strip().lower().replace("*", "")).strip("_")


def _read_header(cells) -> tuple[list[str | None], dict[str, str]]:
    """The column key of each cell of the header (None for a blank cell), and column key → header as written.
    Raises ImportFileError listing every unknown, repeated and missing column."""
    errors = []
    keys: list[str | None] = []
    written: dict[str, str] = {}
    for cell in cells:
        text = "" if cell is None else str(cell).strip()
        if not text:
            keys.append(None)
            continue
        key = _HEADER_LOOKUP.get(normalise_header(text))
        if key is None:
            errors.append(
                file_error(
                    "unknown_column",
                    _("Unknown column “%(column)s”. Use the column names of the template.") % {"column": text},
                    row=HEADER_ROW,
                    column=text,
                )
            )
        elif key in written:
            errors.append(
                file_error(
                    "repeated_column",
                    _("The column “%(column)s” appears twice.") % {"column": text},
                    row=HEADER_ROW,
                    column=text,
                )
            )
        else:
            written[key] = text
        keys.append(key if key and keys.count(key) == 0 else None)
    for column in COLUMNS:
        if column.required and column.key not in written:
            errors.append(
                file_error(
                    "missing_column",
                    _("The column “%(column)s” is missing in row 1.") % {"column": column.header},
                    row=HEADER_ROW,
                    column=column.header,
                )
            )
    if errors:
        raise ImportFileError(errors)
    return keys, written


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _read_csv(content: bytes):
    text = content.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return iter(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_xlsx(content: bytes):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED_BYTES:
            raise ImportFileError([file_error("too_large", _("The workbook is too large to read."))])
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except BROKEN_WORKBOOK_ERRORS:
        raise ImportFileError([file_error("not_a_table", NOT_A_TABLE)]) from None
    if not workbook.worksheets:
        raise ImportFileError([file_error("not_a_table", NOT_A_TABLE)])
    sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]

    def rows():
        try:
            yield from sheet.iter_rows(values_only=True)
        except BROKEN_WORKBOOK_ERRORS:
            raise ImportFileError([file_error("not_a_table", NOT_A_TABLE)]) from None
        finally:
            workbook.close()

    return rows()
