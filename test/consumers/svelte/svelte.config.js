// svelte-check looks for a Svelte config; this fixture needs none of its options.
export default {};
