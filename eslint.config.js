// ESLint for the TypeScript sources: the recommended rules of ESLint and typescript-eslint, no style rules
// (Prettier owns layout). `npm run lint` runs both; .ci/run runs it before the tests.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "results/", "reports/out/", "**/*.js", "!eslint.config.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a parameter kept for a signature (and a destructured field dropped on purpose).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
    },
  },
  {
    // Fixtures poke at arbitrary YAML and JSON paths; typing each one would drown the test in casts.
    files: ["**/*.test.ts", "test-support/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
