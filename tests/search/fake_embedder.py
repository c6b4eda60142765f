"""A tiny deterministic embedder for tests: a few concepts, each named in both
languages, are the dimensions; a text points towards the concepts it names.
Stands in for a multilingual model (LIANGHUI_EMBEDDINGS=tests.search.fake_embedder:Concepts)."""

import numpy as np

CONCEPTS = [
    ("metaverse", "元宇宙", "virtual world", "虚拟世界"),
    ("data security", "数据安全", "data protection", "数据保护"),
    ("delivery rider", "外卖骑手", "骑手", "rider"),
    ("artificial intelligence", "人工智能", " ai "),
    ("digital economy", "数字经济"),
]


class Concepts:
    name = "fake-concepts"
    dim = len(CONCEPTS) + 1
    crosses_languages = True
    related = 0.6
    duplicate = 0.95
    centred_queries = False
    query_floor = 0.6

    def _one(self, text: str) -> np.ndarray:
        low = f" {text.lower()} "
        v = np.zeros(self.dim, dtype=np.float32)
        for i, names in enumerate(CONCEPTS):
            v[i] = sum(low.count(n) for n in names)
        v[-1] = 0.3  # what every text shares: unrelated texts are not orthogonal
        return v / np.linalg.norm(v)

    def passages(self, texts):
        return np.vstack([self._one(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def query(self, text):
        return self._one(text)
