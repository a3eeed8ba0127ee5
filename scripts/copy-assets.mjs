// Copies the non-TypeScript assets (SQL migrations) next to the compiled code in dist/.
import { cpSync } from 'node:fs';

cpSync('src/store/sql', 'dist/store/sql', { recursive: true });
