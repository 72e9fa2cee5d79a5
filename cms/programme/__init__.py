"""Programme insight (issue 9): the figures operators read in Wagtail (`cms.reports`) and the public reads on
`/data/` and in the open-data API (`cms.programme`), computed from the shops, orders and workshops apps' data,
read-only. `definitions` holds what every figure means, so both sides count alike."""
