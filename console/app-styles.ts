/** The app's frame: header, navigation, the main column; a phone gets one column and a wrapping bar. */
import { css } from 'lit';

export const appStyles = css`
  :host {
    display: block;
    min-height: 100vh;
    background: var(--page);
  }
  .skip {
    position: absolute;
    left: 8px;
    top: -60px;
    padding: 8px 12px;
    background: var(--card);
    border-radius: 8px;
    z-index: 10;
  }
  .skip:focus {
    top: 8px;
  }
  .top {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 20px;
    padding: 12px max(16px, calc((100vw - 1180px) / 2));
    background: var(--card);
    border-bottom: 1px solid var(--line);
  }
  .brand {
    margin: 0;
    font-weight: 700;
    font-size: 17px;
  }
  nav {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    flex: 1 1 auto;
  }
  nav a {
    padding: 8px 12px;
    border-radius: 8px;
    color: var(--ink);
    text-decoration: none;
    font-weight: 600;
  }
  nav a:hover {
    background: var(--accent-soft);
  }
  nav a[aria-current='page'] {
    background: var(--accent);
    color: var(--on-accent);
  }
  main {
    display: block;
    max-width: 1180px;
    margin: 0 auto;
    padding: 24px 16px 48px;
  }
  main:focus {
    outline: none;
  }
  .sign-in {
    max-width: 440px;
    margin: 48px auto;
    display: grid;
    gap: 12px;
  }
  @media (max-width: 600px) {
    .top {
      padding: 10px 12px;
    }
    main {
      padding: 16px 12px 40px;
    }
  }
`;
