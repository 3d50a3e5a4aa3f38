"""A rendered page read back as a browser's parser reads it, for the tests
of the pages: its items, its tables' cells and its script elements. Text
comes back unescaped, so a string that shows as itself here and added no
element was escaped."""

import html.parser

# The elements of an item whose text is kept, by their class or tag.
ITEM_FIELDS = {"id": "id", "title": "title", "note": "note"}
ITEM_TAGS = ("li", "pre", "p", "h3")


class PageReader(html.parser.HTMLParser):
    """Feed it a page; then read `items`, `tables`, `scripts` and `tags`."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items = []  # {"id", "grade", "title", "note", "li": [], "pre": [], ...}
        self.tables = []  # {"caption", "header": [], "rows": [[]]}
        self.scripts = 0  # <script> elements
        self.tags = {}  # start tags by name: an injected element shows here
        self._item = None
        self._into = None  # (dict or list, key) the text goes to
        self._closes = None  # the tag that ends the text

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "script":
            self.scripts += 1
        elif tag == "details" and "item" in classes:
            self._item = {"grade": attrs.get("data-grade"), "anchor": attrs.get("id")}
            self.items.append(self._item)
        elif tag == "table":
            self.tables.append({"caption": "", "header": [], "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            row = self.tables[-1]["rows"][-1]
            row.append("")
            self._start(row, len(row) - 1, tag)
        elif tag == "caption" and self.tables:
            self._start(self.tables[-1], "caption", tag)
        elif self._item is not None:
            self._item_field(tag, classes)

    def _item_field(self, tag, classes):
        for name in classes:
            if name in ITEM_FIELDS:
                self._item[ITEM_FIELDS[name]] = ""
                self._start(self._item, ITEM_FIELDS[name], tag)
                return
        if tag in ITEM_TAGS:
            texts = self._item.setdefault(tag, [])
            texts.append("")
            self._start(texts, len(texts) - 1, tag)

    def _start(self, into, key, tag):
        if self._into is None:  # the outermost element keeps the text
            self._into, self._closes = (into, key), tag

    def handle_endtag(self, tag):
        if tag == self._closes:
            into, key = self._into
            if tag == "pre" and into[key].startswith("\n"):
                into[key] = into[key][1:]  # as a browser drops it
            self._into = self._closes = None
        if tag == "details":
            self._item = None
        if tag == "thead" and self.tables and self.tables[-1]["rows"]:
            self.tables[-1]["header"] = self.tables[-1]["rows"].pop()

    def handle_data(self, data):
        if self._into is not None:
            into, key = self._into
            into[key] += data


def read(page_html):
    """The page's PageReader, fed the whole page."""
    reader = PageReader()
    reader.feed(page_html)
    reader.close()
    return reader


def table(reader, caption):
    """The table of that caption; KeyError when there is none."""
    for found in reader.tables:
        if found["caption"] == caption:
            return found
    raise KeyError("no table %r among %s" % (caption, [t["caption"] for t in reader.tables]))
