/// <reference types="share-link-embed/types/svelte" />
