"""Files users send with their question (screenshots, logs): recognised by content, cleaned, stored outside
the database.

sniff.py decides the type from the bytes; images.py, pdf.py and text.py check and clean one kind each;
cleaning.py runs the right one; names.py makes safe display and download names; storage.py keeps the bytes;
service.py ties them to sessions, handoffs and the transcript; errors.py and units.py hold the 415 error and
the size wording the others share.
"""
