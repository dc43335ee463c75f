"""The procurement pages, one module per part of the life: budgets and intentions,
demands, projects (with their steps), public notices, bidding and the opening, and the
evaluation. Each page reads through ``procurement.selectors`` (outsiders get 404) and
writes through one service; a service's refusal is recorded by the service itself
(``core.refusals``), never here."""
