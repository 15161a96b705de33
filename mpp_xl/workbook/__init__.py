"""The workbook layer: builds, reads and refreshes MPP workbooks. It knows the
sheets and cells, never the chain's equations."""
