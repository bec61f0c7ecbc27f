"""The site layer: one site as the checks see it.

`context` is the checks' only door to the network (the memo, the parse cache, the as-of date);
the other modules are what the content checks share, one idea each: `pages` (does a page load),
`links` (finding links by their text), `columns` (columns and listings), `platform` (the
政府信息公开 platform and its sections) and `years` (annual-report years and due dates).
"""
