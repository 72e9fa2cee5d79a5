"""The storefront's catalogue pages (category, product, shop): Django views inside the site's URL space,
reading the catalogue only through `shops.selectors` (DESIGN §2)."""
