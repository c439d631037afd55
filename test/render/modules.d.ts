// markdown-it ships no types; the judges use only `new MarkdownIt(options).render(text)`.
declare module 'markdown-it';
