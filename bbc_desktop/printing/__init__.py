"""ReportLab documents: the 交办单 (slip), the 受理回执 (receipt); later the ledger and reports.

Imported only where a document is made: ReportLab and the fonts stay out of the program's start-up.
"""
