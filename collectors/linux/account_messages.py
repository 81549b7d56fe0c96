"""Account management (shadow-utils: useradd, userdel, usermod, groupadd, groupdel, groupmod,
gpasswd, passwd, chpasswd, chage, chfn) as a table: ``event.category: iam``.

Fields as Elastic's system/auth pipeline: the account a line names is ``user.name`` (useradd's
``new user: name=``), gpasswd's actor is ``user.name`` and its target ``user.target.name``;
actions ``group-user-added`` / ``group-user-removed`` (gpasswd) and ``group-member-added``
(usermod/useradd ``add 'x' to group 'y'``) are Elastic's, the others follow winlogbeat's names
for the same Windows events (``added-user-account``, ``deleted-group-account``, ...).
"""

from __future__ import annotations

from govsoc.collectors.linux.messages import MessageRule, MessageTable, rule

_IAM = ("iam",)
_USER_NEW, _USER_DEL, _USER_CHANGE = ("user", "creation"), ("user", "deletion"), ("user", "change")
_GROUP_NEW, _GROUP_DEL, _GROUP_CHANGE = ("group", "creation"), ("group", "deletion"), ("group", "change")
_Q = r"'(?P<{}>[^']+)'"

ACCOUNT_RULES: tuple[MessageRule, ...] = (
    rule(r"^new user: name=(?P<user>[^,]+), UID=(?P<uid>\d+), GID=(?P<gid>\d+), "
         r"home=(?P<linux__auth__useradd__home>[^,]*), shell=(?P<linux__auth__useradd__shell>[^,]*?)"
         r"(?:, from=(?P<linux__auth__useradd__from>.*))?$", "added-user-account", "success", _IAM, _USER_NEW),
    rule(r"^new group: name=(?P<group>[^,]+), GID=(?P<gid>\d+)$", "added-group-account", "success", _IAM,
         _GROUP_NEW),
    rule(r"^group added to (?P<linux__auth__group_file>\S+): name=(?P<group>[^,]+)(?:, GID=(?P<gid>\d+))?$",
         "added-group-account", "success", _IAM, _GROUP_NEW),
    rule(r"^add " + _Q.format("user") + r" to (?:shadow )?group " + _Q.format("group") + "$",
         "group-member-added", "success", _IAM, _GROUP_CHANGE),
    rule(r"^delete user " + _Q.format("user") + "$", "deleted-user-account", "success", _IAM, _USER_DEL),
    rule(r"^delete " + _Q.format("user") + r" from (?:shadow )?group " + _Q.format("group") + "$",
         "group-member-removed", "success", _IAM, _GROUP_CHANGE),
    rule(r"^removed (?:shadow )?group " + _Q.format("group") + r"(?: owned by " + _Q.format("user") + ")?$",
         "deleted-group-account", "success", _IAM, _GROUP_DEL),
    rule(r"^group " + _Q.format("group") + r" removed(?: from (?P<linux__auth__group_file>\S+))?$",
         "deleted-group-account", "success", _IAM, _GROUP_DEL),
    rule(r"^change user name " + _Q.format("user") + " to " + _Q.format("target") + "$",
         "modified-user-account", "success", _IAM, _USER_CHANGE),
    rule(r"^change user " + _Q.format("user") + r" (?P<linux__auth__usermod__change>.+)$",
         "modified-user-account", "success", _IAM, _USER_CHANGE),
    rule(r"^(?P<linux__auth__usermod__change>lock|unlock) user " + _Q.format("user") + " password$",
         "modified-user-account", "success", _IAM, _USER_CHANGE),
    rule(r"^changed user " + _Q.format("user") + " information$", "modified-user-account", "success", _IAM,
         _USER_CHANGE),
    rule(r"^changed password expiry for (?P<user>\S+)$", "modified-user-account", "success", _IAM, _USER_CHANGE),
    rule(r"^user (?P<target>\S+) added by (?P<user>\S+) to group (?P<group>.+)$", "group-user-added", "success",
         _IAM, _GROUP_CHANGE),
    rule(r"^user (?P<target>\S+) removed by (?P<user>\S+) from group (?P<group>.+)$", "group-user-removed",
         "success", _IAM, _GROUP_CHANGE),
    rule(r"^password for " + _Q.format("target") + r" changed by " + _Q.format("user") + "$", "password-changed",
         "success", _IAM, _USER_CHANGE),
    rule(r"^failed (?:adding|to add) (?P<linux__auth__usermod__change>.+)$", "added-user-account", "failure", _IAM,
         _USER_NEW),
)

ACCOUNTS = MessageTable(ACCOUNT_RULES)
