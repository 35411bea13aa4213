"""The proofreading rules, one small function per rule, grouped as gongwen.md §6 groups them."""
