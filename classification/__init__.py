"""govsoc.classification: sensitive-data detection and grading (数据分类分级, GB/T 43697-2024).

Stage placeholder in the foundation: the recognizers, column decisions, grading and masking come
with the classification issue. Events already carry the fields it will fill
(``govsoc.classification.tags``, ``govsoc.classification.level``; see govsoc.core.ecs).
"""
