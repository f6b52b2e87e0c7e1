// The pipe never uploads files: axios' FormData support (form-data → mime-types → the 200 KB
// mime-db) is dead weight at every start. This stub answers "unknown type" for every lookup.
'use strict';
module.exports = {
  lookup: () => false,
  contentType: () => false,
  extension: () => false,
  charset: () => false,
  types: {},
  extensions: {},
};
