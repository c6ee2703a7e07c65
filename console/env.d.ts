/** Vite's `?inline` imports: a stylesheet's text, which the console adopts as a constructed stylesheet. */
declare module '*.css?inline' {
  const css: string;
  export default css;
}
