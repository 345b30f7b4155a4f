"""Writers: each lays out the resolved Document in one format and knows no other."""
