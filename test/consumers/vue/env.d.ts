/// <reference types="share-link-embed/types/vue" />
