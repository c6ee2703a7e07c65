// What must NOT type-check in an Angular template (strictTemplates): the event's detail is typed.
import { Component, CUSTOM_ELEMENTS_SCHEMA } from '@angular/core';
import 'share-link-embed';

@Component({
  selector: 'app-type-errors',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `<share-link-embed (share-link-start)="use($event.detail.sessionTokn)"></share-link-embed>`,
})
export class TypeErrorsComponent {
  use(value: unknown) {
    return value;
  }
}
