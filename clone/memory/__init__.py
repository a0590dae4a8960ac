"""Memory: what the person said before, searchable, and scoped to who the clone is talking with.

from clone.memory import build_memory, open_memory, memory_block
build_memory(workspace)                       # from the imported history (redacted), like the dataset
memory = open_memory(workspace)               # a missing or older store is rebuilt, with a message
retrieve(memory, "Sam", "the trip", before=datetime.now())   # only what Sam took part in
memory_block(memory, context, query, before, budget_tokens=192, count_tokens=len)  # what the clone is told
"""

from clone.memory.block import Recall, memory_block, others_said, recall, recall_for
from clone.memory.build import MemorySummary, build_memory, open_memory, write_memory
from clone.memory.control import approve_fact, forget_item, forget_person
from clone.memory.profiles import Profile, profile, profiles
from clone.memory.search import SCOPES, Fact, Hit, known_facts, retrieve
from clone.memory.store import Memory, open_store

__all__ = [
    "SCOPES",
    "Fact",
    "Hit",
    "Memory",
    "MemorySummary",
    "Profile",
    "Recall",
    "approve_fact",
    "build_memory",
    "forget_item",
    "forget_person",
    "known_facts",
    "memory_block",
    "open_memory",
    "open_store",
    "others_said",
    "profile",
    "profiles",
    "recall",
    "recall_for",
    "retrieve",
    "write_memory",
]
