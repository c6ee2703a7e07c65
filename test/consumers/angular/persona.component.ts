import { Component, CUSTOM_ELEMENTS_SCHEMA, input } from '@angular/core';
import 'share-link-embed'; // registers <share-link-embed>

@Component({
  selector: 'app-persona',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <share-link-embed
      [token]="token()"
      api-base="https://embed.example.com"
      placement="bottom-left"
      (share-link-start)="connect($event.detail.sessionToken)"
    ></share-link-embed>
  `,
})
export class PersonaComponent {
  readonly token = input.required<string>();
  connect(sessionToken: string) {
    console.log('connect', sessionToken);
  }
}
