"""``leadsig web``: the warehouse's signals in the browser, each page scoped to who is asking and logged."""
