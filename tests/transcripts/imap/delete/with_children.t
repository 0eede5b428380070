# RFC 9051 §6.3.5: deleting a mailbox with inferiors removes the mailbox but not the
# inferiors. "*" lists existing mailboxes only; "%" shows the parent level as \Noselect
# (§6.3.9). Deleting the \Noselect parent name then is an error (NO).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: A684 CREATE foo/bar
S: A684 OK ~
C: A685 DELETE foo
S: A685 OK ~
C: A686 LIST "" foo*
S: * LIST (\HasNoChildren) "/" "foo/bar"
S: A686 OK ~
C: A687 LIST "" fo%
S: * LIST (\Noselect \HasChildren) "/" "foo"
S: A687 OK ~
C: A688 DELETE foo
S: A688 NO ~
C: A689 DELETE foo/bar
S: A689 OK ~
C: A690 LIST "" fo%
S: A690 OK ~
