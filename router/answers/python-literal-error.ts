import { TierlabError } from "../../core/errors.js";

/** A text that is not a Python literal; `position` is the 0-based offset where reading stopped. */
export class PythonLiteralError extends TierlabError {
  readonly position: number;
  constructor(message: string, position: number) {
    super({ message: `${message} at position ${position}`, fix: "write the value as a Python literal, e.g. [1, 'a'], (1,), {'k': None}" });
    this.position = position;
  }
}
