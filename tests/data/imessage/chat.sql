-- A Messages database (macOS chat.db) written from the public schema, with invented people and numbers.
-- Tables and columns as macOS 13+ has them (a subset of the columns: the importer reads only these).
-- Dates: seconds since 2001-01-01 UTC in rows 1-2 (older macOS), nanoseconds from row 3 on (newer).
-- attributedBody blobs are typedstream NSAttributedStrings; their text is given in the comment beside each.
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
  service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER,
  state INTEGER, account_id TEXT, chat_identifier TEXT, service_name TEXT, room_name TEXT, display_name TEXT);
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
  replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT,
  attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT,
  date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0,
  is_finished INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0,
  cache_has_attachments INTEGER DEFAULT 0, item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0,
  group_title TEXT, group_action_type INTEGER DEFAULT 0, associated_message_guid TEXT,
  associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, expressive_send_style_id TEXT,
  thread_originator_guid TEXT, thread_originator_part TEXT, date_retracted INTEGER DEFAULT 0,
  date_edited INTEGER DEFAULT 0, associated_message_emoji TEXT);
CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
  message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0,
  PRIMARY KEY (chat_id, message_id));
CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
  handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER
  DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_name TEXT, total_bytes INTEGER DEFAULT 0);
CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE,
  attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));

INSERT INTO handle (ROWID, id, country, service) VALUES
  (1, '+15550100001', 'us', 'iMessage'), (2, 'bob@example.com', 'us', 'iMessage'), (3, '+15550100003', 'us', 'SMS');
INSERT INTO chat (ROWID, guid, style, chat_identifier, service_name, display_name) VALUES
  (1, 'iMessage;-;+15550100001', 45, '+15550100001', 'iMessage', ''),
  (2, 'iMessage;+;chat100000000000000001', 43, 'chat100000000000000001', 'iMessage', 'Climbing crew'),
  (3, 'iMessage;+;chat100000000000000002', 43, 'chat100000000000000002', 'iMessage', NULL);
INSERT INTO chat_handle_join VALUES (1, 1), (2, 1), (2, 2), (2, 3), (3, 3), (3, 2);

INSERT INTO message (ROWID, guid, text, handle_id, attributedBody, service, date, is_from_me,
  cache_has_attachments, item_type, group_title, associated_message_guid, associated_message_type,
  thread_originator_guid, date_retracted, associated_message_emoji) VALUES
  (1, 'GUID-1', 'hey, are you free saturday?', 1, NULL, 'iMessage', 694224000, 0, 0, 0, NULL, NULL, 0, NULL, 0, NULL),
  -- attributedBody: "yes! what time?"
  (2, 'GUID-2', NULL, 1, X'040b73747265616d747970656481e803840140848484124e5341747472696275746564537472696e67008484084e534f626a656374008592848484084e53537472696e67019484012b0f7965732120776861742074696d653f8684026949010f928484840c4e5344696374696f6e617279009484016901928496961d5f5f6b494d4d657373616765506172744174747269627574654e616d658692848484084e534e756d626572008484074e5356616c7565009484012a84999900868686', 'iMessage', 694224060, 1, 0, 0, NULL, NULL, 0, NULL, 0, NULL),
  (3, 'GUID-3', 'Loved “yes! what time?”', 1, NULL, 'iMessage', 694224090000000000, 0, 0, 0, NULL, 'p:0/GUID-2', 2000, NULL, 0, NULL),
  (4, 'GUID-4', '￼', 1, NULL, 'iMessage', 694224120000000500, 1, 1, 0, NULL, NULL, 0, NULL, 0, NULL),
  (5, 'GUID-5', 'Removed a like from “hey, are you free saturday?”', 1, NULL, 'iMessage', 694224150000000000, 1, 0, 0, NULL, 'p:0/GUID-1', 3001, NULL, 0, NULL),
  (6, 'GUID-6', 'who''s driving?', 2, NULL, 'iMessage', 694310400000000000, 0, 0, 0, NULL, NULL, 0, NULL, 0, NULL),
  (7, 'GUID-7', NULL, 0, NULL, 'iMessage', 694310460000000000, 1, 0, 2, 'Climbing crew', NULL, 0, NULL, 0, NULL),
  -- attributedBody: the 142-byte plan (a two-byte length), with a taco emoji
  (8, 'GUID-8', NULL, 0, X'040b73747265616d747970656481e803840140848484124e5341747472696275746564537472696e67008484084e534f626a656374008592848484084e53537472696e67019484012b818e006f6b20736f2074686520706c616e3a206d656574206174207468652067796d20617420392c20647269766520757020746f6765746865722c20636c696d6220756e74696c20332c207468656e207461636f7320f09f8cae2061742074686520706c616365206279207468652072697665722e206272696e67206368616c6b202b20746865206c6f6e6720726f70658684026949018b928484840c4e5344696374696f6e617279009484016901928496961d5f5f6b494d4d657373616765506172744174747269627574654e616d658692848484084e534e756d626572008484074e5356616c7565009484012a84999900868686', 'iMessage', 694310520000000000, 1, 0, 0, NULL, NULL, 0, NULL, 0, NULL),
  (9, 'GUID-9', '', 3, NULL, 'SMS', 694310580000000000, 0, 0, 0, NULL, NULL, 0, NULL, 0, NULL),
  (10, 'GUID-10', NULL, 2, NULL, 'iMessage', 694310640000000000, 0, 0, 0, NULL, NULL, 0, NULL, 694310700000000000, NULL),
  (11, 'GUID-11', 'me! I can take 3', 3, NULL, 'SMS', 694310760000000000, 0, 0, 0, NULL, NULL, 0, 'GUID-6', 0, NULL),
  (12, 'GUID-12', 'Reacted 🔥 to “me! I can take 3”', 2, NULL, 'iMessage', 694310820000000000, 0, 0, 0, NULL, 'p:0/GUID-11', 2006, NULL, 0, '🔥'),
  (13, 'GUID-13', 'lost in time', 1, NULL, 'iMessage', 0, 0, 0, 0, NULL, NULL, 0, NULL, 0, NULL),
  (14, 'GUID-14', 'see you at 9', 1, NULL, 'iMessage', 694400000000000000, 0, 0, 0, NULL, NULL, 0, NULL, 0, NULL),
  (15, 'GUID-15', 'both of you ok with tacos?', 0, NULL, 'iMessage', 694400100000000000, 1, 0, 0, NULL, NULL, 0, NULL, 0, NULL);
INSERT INTO chat_message_join (chat_id, message_id) VALUES
  (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (2, 6), (2, 7), (2, 8), (2, 9), (2, 10), (2, 11), (2, 12), (1, 13), (3, 15);
-- message 14 is in no chat (an orphan): its chat is its sender's handle.
INSERT INTO attachment (ROWID, guid, filename, mime_type, transfer_name, total_bytes) VALUES
  (1, 'AT-1', '~/Library/Messages/Attachments/0a/10/AT-1/IMG_0001.HEIC', 'image/heic', 'IMG_0001.HEIC', 1843200);
INSERT INTO message_attachment_join VALUES (4, 1);
