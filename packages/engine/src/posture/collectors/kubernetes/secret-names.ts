/**
 * Variable names that say their value is a credential: password, secret, token, API/private/access key.
 * Public key ids (GPG_KEY in official images) and pointers to a file, path, directory or URL are not.
 */
const SECRET_NAME =
  /passw(or)?d|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|(^|_)key$|(^|_)pwd$/i;
const NOT_SECRET = /(gpg|pgp|public)[_-]?keys?$|_(file|path|dir|url)$/i;

export const isSecretName = (name: string): boolean => SECRET_NAME.test(name) && !NOT_SECRET.test(name);
