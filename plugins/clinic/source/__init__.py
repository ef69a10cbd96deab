"""The Markdown sources as writers write them: the one header reader, its fields, dates, people and the glossary."""
