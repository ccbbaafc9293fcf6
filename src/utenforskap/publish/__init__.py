"""Publishing: tables (CSV, Parquet, XLSX), the figure pack, the PDF report and the index page."""
