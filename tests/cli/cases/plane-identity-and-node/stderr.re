sixplane: .*'89e92ceee5'.* \(try 'sixplane plane --help'\)
