"""Kin words that open children's names (stage: classification; a part of identifier_names.py,
reference §8; issue 15 review R15n-14): 孙 is a top-20 surname and 子轩, 子涵, 子墨, 子怡, 子萱 are among
the commonest given names of children born since 2000, so 孙子轩 is a child in a 低保, 困境儿童 or 学籍
file, not the kin word 孙子 (grandson) and 轩. A child's name is a minor's (PIPL art. 28, 31)."""

from __future__ import annotations

from typing import Final

__all__ = ["KIN_NAMED", "KIN_AFTER", "ZI_GIVEN"]

#: Kin words that open children's names in use: 孙 + 子轩, 子涵, 子墨, 子怡.
KIN_NAMED: Final = ("孙子",)
#: Characters after one that make it kin words, no given name (孙子们, 孙子俩, 孙子辈, 孙子媳妇, 孙子家).
KIN_AFTER: Final = frozenset("们俩辈媳家")
#: The second characters of the commonest 子X given names of children born since 2000 (子轩, 子涵, 子墨,
#: 子怡, 子萱, 子豪 ...): after 孙子 a name wherever a name is read; another character only at the run's
#: end (低保户孙子琰), as 孙子上学, 孙子落户申请, 孙子兵法 are words.
ZI_GIVEN: Final = frozenset("轩涵墨怡萱豪睿琪航晨熙瑜琳欣悦钰淇恒杰诚雯逸博昂骞默宸辰铭彤瑶妍祺俊皓扬凡鸣奇珊倩璇琦"
                            "衿彦渊腾凯越宁枫傲韬奕懿谦卿曦沐煜霖萌茜桐")
