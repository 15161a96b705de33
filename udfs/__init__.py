"""The xlwings UDF modules of the MPP workbook (``udfs.mpp_udfs``)."""
