/**
 * Persona management (`/v1/personas`, docs/api.md, "Management"): the full persona for the key
 * holder, and, for the demo playground, its conversation engine (only `engine` is writable).
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { problem } from '../errors.ts';
import { jsonObjectBody, limitBody, valid, validId } from '../middleware/validation.ts';
import { UpdatePersonaSchema } from '../schemas.ts';
import type { PersonaRepository } from '../store/index.ts';

export function personaRoutes({ store, auth }: { store: PersonaRepository; auth: MiddlewareHandler }): Hono {
  const personas = new Hono();
  personas.use('*', auth, limitBody);

  personas.get('/:id', validId, async (c) => {
    const persona = await store.persona(c.req.valid('param').id);
    return persona ? c.json(persona) : problem(c, 'unknown-persona');
  });

  personas.patch('/:id', validId, jsonObjectBody, valid('json', UpdatePersonaSchema), async (c) => {
    const persona = await store.setPersonaEngine(c.req.valid('param').id, c.req.valid('json').engine);
    return persona ? c.json(persona) : problem(c, 'unknown-persona');
  });

  return personas;
}
