"""Bereik: what the partnership learns from the intakes without learning about anyone.

`counting` adds each intake (when it arrives and when its status moves on) to per-ISO-week counts;
`counters` takes the assistant's anonymous conversation counters; `report` reads both back into tables for
/coach/bereik, with small cells suppressed (`suppression`). No per-intake row is kept here.
"""
